import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from allies.models import Ally, Stage, Touchpoint
from campaign.models import Campaign, Department, Goal, Level, Membership, Role, ServiceProblem
from leadership.models import Leader, Stance, Wiifm
from personas.models import PersonaCard, Workshop


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct-horse-battery")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    service_focus = "Serve each other well inside so we serve customers well outside."
    why = "Because every order is a person waiting on us."
    how = "Champions everywhere, easy wins first."
    what = "Fewer late deliveries."


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    kind = Department.Kind.INTERNAL_PROVIDER


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    kind = Goal.Kind.REPUTATION
    measure = "Net promoter score"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    campaign = factory.SubFactory(CampaignFactory)
    role = Role.CHAMPION


class AllyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ally

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"ally{n}@example.com")
    department = factory.LazyAttribute(lambda ally: DepartmentFactory(campaign=ally.campaign))
    level = Level.FRONTLINE
    stage = Stage.IDENTIFIED
    source = Ally.Source.RECRUITED


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    kind = Touchpoint.Kind.ONE_ON_ONE
    note = "Coffee and a chat about the easy wins."

    @factory.post_generation
    def allies(self, create, extracted, **kwargs):
        if create and extracted:
            self.allies.set(extracted)


class PersonaCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonaCard

    campaign = factory.SubFactory(CampaignFactory)
    persona_name = factory.Faker("first_name")
    role = "Regional sales manager"
    wants = "The weekly order report by Monday 9am"
    so_that = "I can plan my team's customer calls for the week"
    scope = PersonaCard.Scope.INSIDE


class ServiceProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProblem

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Service problem {n}")
    difficulty = ServiceProblem.Difficulty.EASY
    impact = ServiceProblem.Impact.MEDIUM
    status = ServiceProblem.Status.BACKLOG


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"leader{n}@example.com")
    title = "Chief Operating Officer"
    level = Level.TOP
    stance = Stance.NEUTRAL
    wiifm = factory.LazyFunction(lambda: [Wiifm.EFFICIENCY])


# --- Leaders and briefings (leadership app) ---------------------------------------------------


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.Objection"

    campaign = factory.SubFactory(CampaignFactory)
    objection = factory.Sequence(lambda n: f"Objection {n}")
    response = "Start from what we could become."


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.Engagement"

    leader = factory.SubFactory(LeaderFactory)
    campaign = factory.SelfAttribute("leader.campaign")
    kind = "workshop"
    outcome = "attended"


class ClippingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.Clipping"

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Clipping {n}")
    source = "Trade Weekly"
    summary = "Another organisation's service story."
    benefits = factory.LazyFunction(list)


class BenchmarkVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.BenchmarkVisit"

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    who_went = "Two champions"
    saw = "What we saw."
    learned = "What we learned."


def _in_two_weeks():
    # Imported here so this block stays an append to the shared file.
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=14)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.Event"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "customer_meeting"
    title = factory.Sequence(lambda n: f"Customer meeting {n}")
    happens_on = factory.LazyFunction(_in_two_weeks)


class BriefingPackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.BriefingPack"

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Briefing {n}")
    note = "A short note."


# Allies core (appended; imported here to keep the file's shared import block untouched).
from allies.models import JoinLink, StageChange  # noqa: E402


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    ally = factory.SubFactory(AllyFactory)
    from_stage = ""
    to_stage = Stage.IDENTIFIED


class JoinLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinLink

    campaign = factory.SubFactory(CampaignFactory)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Who we serve, session {n}")


class FeedbackThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.FeedbackTheme"

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.Feedback"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "complaint"
    severity = "medium"
    status = "open"
    channel = "email"
    summary = factory.Sequence(lambda n: f"The parcel arrived late, again ({n}).")
    received_on = factory.LazyFunction(timezone.localdate)


class SummaryScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.SummarySchedule"

    campaign = factory.SubFactory(CampaignFactory)
    enabled = True
    cadence = "weekly"
    weekday = 0
    hour = 8
    active_since = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class ExecutiveSummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.ExecutiveSummary"

    campaign = factory.SubFactory(CampaignFactory)
    period_start = factory.Sequence(lambda n: datetime.date(2026, 11, 9) - datetime.timedelta(weeks=n))
    period_end = factory.LazyAttribute(lambda s: s.period_start + datetime.timedelta(days=7))
    due_at = factory.LazyAttribute(
        lambda s: datetime.datetime.combine(s.period_end, datetime.time(8), tzinfo=datetime.UTC)
    )
    snapshot = factory.LazyFunction(dict)


class SummaryDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "leadership.SummaryDelivery"

    summary = factory.SubFactory(ExecutiveSummaryFactory)
    leader = factory.LazyAttribute(lambda d: LeaderFactory(campaign=d.summary.campaign))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An API token; the raw value is on `token.raw` right after creation."""

    class Meta:
        model = "leadership.ApiToken"

    campaign = factory.SubFactory(CampaignFactory)
    name = "Helpdesk"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = model_class(*args, **kwargs)
        token.raw = token.issue()
        token.save()
        return token
