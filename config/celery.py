import os
import threading

from celery import Celery
from celery.signals import beat_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("risingtide", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def send_first_heartbeat(sender, **kwargs):
    """Beat's interval schedule first fires a minute after start; prove the pipeline at once instead."""
    sender.app.send_task("campaign.tasks.record_heartbeat")


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, signal=None, **kwargs):
    """
    Around each task, what Django does around each request: close a connection that is older than
    CONN_MAX_AGE or broken, and health-check the one kept at its next use. Celery's own Django fixup
    would close every connection after every task instead (a new PostgreSQL connection per email of a
    summary's fan-out); CELERY_DB_REUSE_MAX in settings leaves that to this handler. Only a pool process
    keeps its connection: a task run on another thread (a thread pool, a test's in-process worker)
    closes its own afterwards, as the thread may end with it still open.
    """
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections, connections

    if signal is task_postrun and threading.current_thread() is not threading.main_thread():
        connections.close_all()
    else:
        close_old_connections()
