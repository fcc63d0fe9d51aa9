from django.urls import path

from twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("set-up/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", views.regenerate, name="regenerate"),
    path("verify/", views.verify, name="verify"),
    path("remove/", views.remove, name="remove"),
]
