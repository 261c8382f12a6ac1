import re
import zoneinfo

from django.core.exceptions import ValidationError


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone we know. Use a name such as Europe/London or America/New_York.",
            params={"value": value},
        )


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_email_domains(value):
    """A comma-separated list of domains (example.com, example.org): no addresses, no wildcards."""
    bad = [item.strip() for item in value.split(",") if item.strip() and not _DOMAIN.match(item.strip().lower())]
    if bad:
        raise ValidationError(
            "%(bad)s is not a domain. Write domains like example.com, separated by commas (no @, no *).",
            params={"bad": ", ".join(bad)},
        )
