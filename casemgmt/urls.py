from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from casemgmt import views
from casemgmt.auth_forms import AdminSignInForm, SignInForm
from homes import views as homes_views

admin.site.site_header = "casemgmt administration"
admin.site.site_title = "casemgmt administration"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", homes_views.home, name="home"),
    path("home/role/", homes_views.switch_role, name="switch_role"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        login_not_required(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include("customers.urls")),
    path("", include("services.urls")),
    path("", include("casenotes.urls")),
    path("", include("plans.urls")),
    path("", include("workshops.urls")),
    path("", include("supportive.urls")),
    path("", include("employment.urls")),
    path("", include("veterans.urls")),
    path("", include("bulkdata.urls")),
    path("", include("compliance.urls")),
    path("", include("compliance.gap_urls")),
    path("accounts/two-step/", include("twofactor.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
