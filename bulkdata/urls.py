from django.urls import path

from bulkdata import views

app_name = "bulkdata"

urlpatterns = [
    path("reports/pirl/", views.pirl, name="pirl"),
    path("reports/pirl.csv", views.pirl_export, name="pirl_export"),
]
