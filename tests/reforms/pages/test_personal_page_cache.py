"""A person's catalogue page is kept until the next write: exact, and never shared between people."""

from django.test.utils import override_settings
from django.urls import reverse

from reformledger.reforms import services
from reformledger.reforms.models import Status
from reformledger.supervision.services import inbox as inbox_services
from reformledger.supervision.services import reports as report_services

URL = reverse("reforms:catalogue")


def test_the_second_visit_is_served_without_rendering_and_a_write_shows_at_once(
    client_for, people, reform_factory, django_assert_num_queries
):
    reform = reform_factory(title="旧标题", status=Status.IN_PROGRESS)
    client = client_for(people.office)
    client.get(URL)  # sets the CSRF cookie
    first = client.get(URL)  # rendered, kept
    # Session, user, data version and the inbox's unread count (reading is not audited): nothing else.
    with django_assert_num_queries(4):
        again = client.get(URL)
    assert again.content == first.content
    services.update_reform(user=people.office, reform=reform, data={"title": "新标题"})
    assert "新标题" in client.get(URL).content.decode()


def test_people_never_see_each_other_s_page(client_for, people, district, reform_factory):
    reform_factory(title="桂园的改革")
    reform_factory(title="黄贝的改革", lead_unit=district.sub_b)
    a, b = client_for(people.unit_staff), client_for(people.other_staff)
    for client in (a, b, a, b):
        client.get(URL)
    page_a, page_b = a.get(URL).content.decode(), b.get(URL).content.decode()
    assert "桂园的改革" in page_a and "黄贝的改革" not in page_a
    assert "黄贝的改革" in page_b and "桂园的改革" not in page_b
    assert "unit_staff" in page_a and "other_staff" in page_b


def test_a_page_with_a_message_is_rendered_not_kept(client_for, people, reform_factory):
    reform = reform_factory(status=Status.APPROVED)
    client = client_for(people.office)
    client.get(URL)
    client.get(URL)
    # A transition leaves a message for the next page: it must appear, once.
    client.post(reverse("reforms:transition", args=[reform.pk]), {"status": Status.IN_PROGRESS})
    shown = client.get(URL).content.decode()
    assert 'class="alert' in shown
    assert 'class="alert' not in client.get(URL).content.decode()


def test_reading_the_inbox_shows_on_a_kept_page_at_once(client_for, people, reform_factory):
    """The unread badge of the navigation bar is in every page; reading is not an audited write."""
    reform = reform_factory(status=Status.IN_PROGRESS)
    report_services.urge(user=people.office, reform=reform, message="请报送进展")
    client = client_for(people.unit_staff)
    client.get(URL)
    kept = client.get(URL).content.decode()
    assert 'class="rl-inbox-badge">1<' in kept
    inbox_services.mark_read(user=people.unit_staff)
    assert "rl-inbox-badge" not in client.get(URL).content.decode()


@override_settings(CATALOGUE_PAGE_SIZE=2)
def test_the_page_is_kept_once_for_every_page_of_its_list_and_each_page_shows_its_own_rows(
    client_for, people, reform_factory
):
    """The page around the results is made of the list's filters, not of its page number: a page of
    the list nobody opened yet renders its results only (a late value kept per query string)."""
    for code in ("P-1", "P-2", "P-3", "P-4", "P-5"):
        reform_factory(code=code, title=f"改革{code}")
    client = client_for(people.office)
    client.get(f"{URL}?sort=code")  # the CSRF cookie
    client.get(f"{URL}?sort=code")  # rendered, kept
    second = client.get(f"{URL}?sort=code&page=2")
    # The page itself was kept: only the results (and the pagination they include) were rendered.
    assert [t.name for t in second.templates] == ["reforms/_catalogue_results.html", "includes/pagination.html"]
    html = second.content.decode()
    assert "P-3" in html and "P-4" in html and "P-1" not in html
    # The language form goes back to this page, not to the page the kept page was first made for.
    assert 'name="next" value="/office/reforms/?sort=code&amp;page=2"' in html
    third = client.get(f"{URL}?sort=code&page=3").content.decode()
    assert "P-5" in third and "P-3" not in third
    again = client.get(f"{URL}?sort=code").content.decode()
    assert "P-1" in again and "P-3" not in again and 'name="next" value="/office/reforms/?sort=code"' in again
    # Another sort is another list: its own page.
    assert "reforms/catalogue.html" in [t.name for t in client.get(f"{URL}?sort=-code").templates]
