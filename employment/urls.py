"""The employment app's URLs, gathered from its three rooms: jobs, placements,
credentials and skill gains (`views_jobs`), exit and follow-up (`views_exit`), and the
outcomes, data completeness and federal record for supervisors (`views_reports`)."""

from employment import views_exit, views_jobs, views_reports

app_name = "employment"

urlpatterns = [
    *views_jobs.urlpatterns,
    *views_exit.urlpatterns,
    *views_reports.urlpatterns,
]
