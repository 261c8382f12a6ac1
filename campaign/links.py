"""A campaign object's address for any pk, with one reverse() per page instead of one per row."""

from django.urls import reverse

# A pk no real row has: reversed once, then replaced by each row's pk.
_PK_MARK = 987654321


def url_maker(name, campaign):
    """A function pk -> the URL `name` has for that pk in `campaign` (what reverse() would give)."""
    # rsplit: the mark is the last thing of its kind in the path, even if the slug holds the same digits.
    head, tail = reverse(name, kwargs={"slug": campaign.slug, "pk": _PK_MARK}).rsplit(str(_PK_MARK), 1)
    return lambda pk: f"{head}{pk}{tail}"
