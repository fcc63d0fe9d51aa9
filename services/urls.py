from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("customers/<int:pk>/services/", views.service_list, name="list"),
    path("customers/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("customers/<int:pk>/services/new/", views.service_create, name="create"),
    path("customers/<int:pk>/services/entry-check/", views.entry_check, name="entry_check"),
    path("customers/<int:pk>/services/<int:service_pk>/", views.service_detail, name="detail"),
    path("customers/<int:pk>/services/<int:service_pk>/close/", views.service_close, name="close"),
    path(
        "customers/<int:pk>/services/<int:service_pk>/reopen/", views.service_reopen, name="reopen"
    ),
    path(
        "customers/<int:pk>/services/<int:service_pk>/correct/",
        views.service_correct,
        name="correct",
    ),
]
