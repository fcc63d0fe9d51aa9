"""The workshops app's URLs, gathered from its three rooms: sessions and the catalog's
use (`views_sessions`), attendance (`views`), appointments (`views_appointments`)."""

from workshops import views, views_appointments, views_sessions

app_name = "workshops"

urlpatterns = [
    *views_sessions.urlpatterns,
    *views.urlpatterns,
    *views_appointments.urlpatterns,
]
