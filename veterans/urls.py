from django.urls import path

from veterans import views

app_name = "veterans"

urlpatterns = [
    path("veterans/referrals/", views.queue, name="queue"),
    path("veterans/referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("veterans/referrals/<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("veterans/referrals/<int:pk>/service/", views.referral_serve_view, name="serve"),
    path("veterans/referrals/<int:pk>/close/", views.referral_close_view, name="close"),
    path("customers/<int:pk>/veteran-referral/", views.refer, name="refer"),
]
