"""The supportive app's URLs, gathered from its three rooms: the customer's budget
reviews and referrals (`views_budget`), purchase orders (`views_po`), and the office's
money for supervisors (`views_money`)."""

from supportive import views_budget, views_money, views_po

app_name = "supportive"

urlpatterns = [
    *views_budget.urlpatterns,
    *views_po.urlpatterns,
    *views_money.urlpatterns,
]
