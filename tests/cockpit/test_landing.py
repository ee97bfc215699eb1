"""Where signing in leads: the workbench for the office, leaders and the committee; units to their
tasks; experts and residents to the public catalogue; an asked-for page wins."""

import pytest
from django.urls import reverse

PASSWORD = "pw-for-the-test"


def sign_in(client, user, **extra):
    user.set_password(PASSWORD)
    user.save()
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra}, follow=True)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("office", "cockpit:workbench"),
        ("committee", "cockpit:workbench"),
        ("leader_main", "cockpit:workbench"),
        ("leader_domain", "cockpit:workbench"),
        ("unit_head", "supervision:my-tasks"),
        ("unit_staff", "supervision:my-tasks"),
        ("expert", "portal:catalogue"),
        ("resident", "portal:catalogue"),
    ],
)
def test_signing_in_leads_each_role_to_its_start(client_for, people, role, landing):
    response = sign_in(client_for(), getattr(people, role))
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_a_page_asked_for_comes_first(client_for, people):
    response = sign_in(client_for(), people.office, next=reverse("org:units"))
    assert response.redirect_chain == [(reverse("org:units"), 302)]


def test_anonymous_visitors_are_asked_to_sign_in_first(client_for):
    response = client_for().get(reverse("cockpit:start"))
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_the_brand_and_the_public_site_s_office_link_lead_to_the_start(client_for, people, role):
    client = client_for(getattr(people, role))
    start = reverse("cockpit:start")
    assert f'class="navbar-brand rl-brand" href="{start}"' in client.get(reverse("reforms:catalogue")).content.decode()
    assert f'href="{start}"' in client.get(reverse("portal:home")).content.decode()
