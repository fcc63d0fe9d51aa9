from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("dashboard/", views.planner_dashboard_view, name="planner"),
    path("dashboard/supervisor/", views.supervisor_dashboard_view, name="supervisor"),
    path("dashboard/alerts/", views.alert_drilldown_view, name="drilldown"),
    path("dashboard/alerts.csv", views.alert_export_view, name="export"),
    path("dashboard/tracker/", views.tracker_dashboard_view, name="tracker"),
    path(
        "dashboard/tracker/customers/<int:pk>/contact/",
        views.contact_log_view,
        name="log_contact",
    ),
]
