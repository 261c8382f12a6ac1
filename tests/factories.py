import factory
from django.contrib.auth import get_user_model

from campaign.models import Campaign, Department, Goal, Membership, Role


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
