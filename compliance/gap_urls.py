from django.urls import path

from compliance import gap_views

app_name = "gaps"

urlpatterns = [
    path("customers/<int:pk>/gaps/new/", gap_views.gap_create, name="create"),
    path("customers/<int:pk>/soft-exit/undo/", gap_views.soft_exit_undo_view, name="undo_exit"),
]
