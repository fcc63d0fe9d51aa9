from django.urls import path

from casenotes import views

app_name = "casenotes"

urlpatterns = [
    path("customers/<int:pk>/notes/", views.casenote_list, name="list"),
    path("customers/<int:pk>/notes/new/", views.casenote_create_view, name="create"),
    path("customers/<int:pk>/notes/check/", views.casenote_check, name="check"),
    path(
        "customers/<int:pk>/notes/<int:note_pk>/addendum/", views.casenote_addendum, name="addendum"
    ),
]
