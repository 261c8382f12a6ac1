"""
What leaders reach from a summary email, without an account: the signed web version (following
it records that the leader opened the summary) and the one-click unsubscribe.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from leadership import summaries


@never_cache
def summary_web(request, token):
    delivery = summaries.delivery_for_web_token(token)
    if delivery is None:
        raise Http404("This link is not valid or has expired.")
    summaries.delivery_mark_opened(delivery=delivery)
    context = {**summaries.summary_context(delivery.summary), "leader": delivery.leader}
    return render(request, "leadership/summaries_web.html", context)


# RFC 8058: a mail client's one-click unsubscribe POSTs here with no cookie and no CSRF token; the
# signed token in the address is the authorisation, and it can only switch summaries off.
@csrf_exempt
@never_cache
def summary_unsubscribe(request, token):
    leader = summaries.leader_for_unsubscribe_token(token)
    if leader is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        summaries.leader_unsubscribe(leader=leader)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(request, "leadership/summaries_unsubscribed.html", {"leader": leader, "done": True})
    return render(request, "leadership/summaries_unsubscribed.html", {"leader": leader, "done": False})
