from celery import shared_task

from employment.services import statuses_follow_the_calendar as move_along_the_path


@shared_task
def statuses_follow_the_calendar() -> dict[str, int]:
    """The daily move along the path, each customer on today in its office: exited -> in
    follow-up once the first quarter after the exit quarter begins, in follow-up ->
    closed once the follow-up year ends. Scheduled before the nightly evaluation, which
    then sees the new statuses. Safe to run twice, or twice at once: each move locks the
    customer's row and checks its status again."""
    return move_along_the_path()
