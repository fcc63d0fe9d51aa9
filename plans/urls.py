from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("customers/<int:pk>/plan/", views.plan_detail, name="detail"),
    path("customers/<int:pk>/plan/develop/", views.plan_develop, name="develop"),
    path("customers/<int:pk>/plan/edit/", views.plan_edit, name="edit"),
    path("customers/<int:pk>/plan/review/", views.plan_review_view, name="review"),
    path("customers/<int:pk>/plan/goals/new/", views.goal_edit, name="goal_create"),
    path("customers/<int:pk>/plan/goals/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path(
        "customers/<int:pk>/plan/goals/<int:goal_pk>/steps/new/",
        views.step_edit,
        name="step_create",
    ),
    path("customers/<int:pk>/plan/steps/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("customers/<int:pk>/plan/versions/<int:number>/print/", views.version_print, name="print"),
    path("customers/<int:pk>/plan/versions/<int:number>/sign/", views.version_sign, name="sign"),
    path(
        "customers/<int:pk>/plan/versions/<int:number>/signed-copy/",
        views.signed_copy,
        name="signed_copy",
    ),
    path("customers/<int:pk>/assessments/", views.assessments, name="assessments"),
]
