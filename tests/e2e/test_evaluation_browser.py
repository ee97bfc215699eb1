"""Evaluation in a real browser (issue 10 part 7). A resident: the rounds open to them, a round, a
reform's rating form, the rating recorded once (a second try is told so), a hostile comment shown as
text on "my ratings". An expert: a scoring sheet with a mark out of range refused by name, then
submitted after confirming its total, and closed to changes. The pages pass axe."""

from decimal import Decimal

import pytest

from reformledger.evaluation.models import Channel, CommentStatus, Rating, SheetStatus
from reformledger.evaluation.services import lookback as lookback_services
from reformledger.evaluation.services import tallies
from reformledger.evaluation.services.ratings import submit_rating
from tests.evaluation.lookback_helpers import completed_key, today
from tests.evaluation.panel_factories import PanelSetup
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

from .test_accessibility import serious_violations
from .test_csp_browser import visit, watch
from .test_supervision_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HOSTILE = "<script>alert(1)</script>好"


def test_a_resident_rates_a_reform_once_and_sees_it_among_their_ratings(live_server, new_page, resident, public_round, key_reforms):
    base, reform = live_server.url, key_reforms[0]
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base, resident.username, "/evaluation/rounds/")
    assert serious_violations(page) == []
    page.locator(f"main a[href='/evaluation/rounds/{public_round.pk}/']").first.click()
    page.wait_for_url(f"{base}/evaluation/rounds/{public_round.pk}/")
    rate_url = f"/evaluation/rounds/{public_round.pk}/reforms/{reform.pk}/rate/"
    page.locator(f"main a[href='{rate_url}']").click()
    page.wait_for_url(base + rate_url)
    assert reform.title in page.locator("h1").inner_text()
    assert serious_violations(page) == []

    page.locator("main form button[type=submit]").click()  # nothing chosen: refused, nothing stored
    page.wait_for_load_state()
    assert page.locator("main .invalid-feedback, main .alert-danger").count() > 0
    assert not Rating.objects.exists()

    page.check("input[name=score_satisfaction][value='5']")
    page.check("input[name=score_effect][value='3']")
    page.fill("textarea[name=comment]", HOSTILE)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/evaluation/rounds/{public_round.pk}/")
    assert reform.title in page.locator("[role=alert], .alert").first.inner_text()
    rating = Rating.objects.get()
    assert (rating.rater_id, rating.reform_id, rating.score_1, rating.score_2) == (resident.pk, reform.pk, 5, 3)
    assert (rating.channel, rating.comment, rating.comment_status) == (Channel.WEB, HOSTILE, CommentStatus.PENDING)
    assert tallies.disagreements(round=public_round) == []

    page.goto(base + "/evaluation/my-ratings/")
    assert HOSTILE in page.locator("main").inner_text()  # shown as text, never run
    assert serious_violations(page) == []

    page.goto(f"{base}/evaluation/rounds/{public_round.pk}/")  # the round no longer offers it
    assert page.locator(f"main a[href='{rate_url}']").count() == 0
    page.goto(base + rate_url)  # a second try by its address is told, and stores nothing
    page.check("input[name=score_satisfaction][value='1']")
    page.check("input[name=score_effect][value='1']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/evaluation/rounds/{public_round.pk}/")
    assert "您已在本轮评价过该改革事项。" in page.locator("body").inner_text()
    assert Rating.objects.count() == 1 and Rating.objects.get().score_1 == 5
    assert dialogs == []


def test_an_expert_saves_a_draft_then_submits_and_can_no_longer_change_the_sheet(live_server, new_page, district, people):
    setup = PanelSetup(district, people, n_experts=5, n_reforms=3)
    sheet = setup.sheet(0, 1)
    base, url = live_server.url, f"/evaluation/my-panels/{setup.panel.pk}/sheets/{sheet.pk}/"
    page = new_page()
    log_in(page, base, people.expert.username, "/evaluation/my-panels/")
    page.locator(f"main a[href='/evaluation/my-panels/{setup.panel.pk}/']").first.click()
    page.locator(f"main a[href='{url}']").first.click()
    page.wait_for_url(base + url)
    assert serious_violations(page) == []
    fields = [f"input[name=c{c.pk}]" for c in setup.criteria]
    for field, points in zip(fields, ("20.5", "99", "15", "18"), strict=True):  # 99: over the criterion's maximum
        page.fill(field, points)
    page.locator("button[name=then][value=save]").click()
    page.wait_for_load_state()
    assert page.locator(f"#id_c{setup.criteria[1].pk}_error").count() == 1 and not sheet.marks.exists()
    assert page.locator(".invalid-feedback").count() == 1  # only the mark at fault
    page.fill(fields[1], "30")
    page.locator("button[name=then][value=submit]").click()
    page.wait_for_url(f"{base}{url}submit/")
    assert "83.5" in page.locator("main").inner_text()  # the total to confirm: 20.5 + 30 + 15 + 18
    assert serious_violations(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    page.goto(base + url)  # submitted: nothing left to change (a post is refused: test_panels_pages)
    assert page.locator("button[name=then][value=save]").count() == 0
    assert sorted(m.points for m in sheet.marks.all()) == [Decimal(p) for p in ("15", "18", "20.5", "30")]


def test_the_office_s_evaluation_pages_draw_their_bars_moderate_and_pass_axe(live_server, new_page, district, people, public_round,
                                                                            key_reforms, raters):
    for i, user in enumerate(raters):
        submit_rating(user=user, round=public_round, reform=key_reforms[i % 2], scores={"satisfaction": 1 + i % 5, "effect": 5 - i % 5},
                      comment="窗口服务很好" if i == 0 else "", channel=Channel.WEB, address=f"10.0.0.{i}", device="e2e")
    panel = PanelSetup(district, people, n_experts=5, n_reforms=3).panel
    base = live_server.url
    page = new_page({"width": 1280, "height": 900})
    seen = watch(page)
    log_in(page, base, "office", "/evaluation/office/rounds/")
    for url in ["/evaluation/office/rounds/", f"/evaluation/office/rounds/{public_round.pk}/",
                f"/evaluation/rounds/{public_round.pk}/results/", f"/evaluation/rounds/{public_round.pk}/anomalies/",
                "/evaluation/office/moderation/", "/evaluation/panels/", f"/evaluation/panels/{panel.pk}/", "/evaluation/lookback/"]:
        visit(page, base + url)
        assert seen == [], (url, seen)
        assert serious_violations(page) == [], url
    visit(page, f"{base}/evaluation/rounds/{public_round.pk}/results/")
    widths = page.eval_on_selector_all(".rl-eval-bar .progress-bar", "bars => bars.map(b => b.getBoundingClientRect().width)")
    assert widths and all(w > 0 for w in widths), widths  # the bars are drawn (their widths set by the page's script)
    visit(page, f"{base}/evaluation/office/moderation/")
    assert "窗口服务很好" in page.locator("main").inner_text()
    page.locator("button[name=decision][value=approve]").first.click()
    page.wait_for_load_state()
    assert Rating.objects.get(comment="窗口服务很好").comment_status == CommentStatus.APPROVED
    assert seen == []


def test_the_evaluation_forms_pass_axe_without_a_policy_violation(live_server, new_page, people, public_round):
    base = live_server.url
    visitor = new_page()
    seen = watch(visitor)
    for url in ["/evaluation/signup/", f"/evaluation/rounds/{public_round.pk}/code/"]:  # a resident-to-be, a code's holder
        visit(visitor, base + url)
        assert seen == [] and serious_violations(visitor) == [], (url, seen)
    office = new_page({"width": 1280, "height": 900})
    seen = watch(office)
    log_in(office, base, "office", "/evaluation/office/rounds/new/")
    for url in ["/evaluation/office/rounds/new/", f"/evaluation/office/rounds/{public_round.pk}/edit/",
                f"/evaluation/rounds/{public_round.pk}/codes/", f"/evaluation/rounds/{public_round.pk}/slips/",
                "/evaluation/panels/new/", "/evaluation/panels/experts/new/"]:
        visit(office, base + url)
        assert seen == [] and serious_violations(office) == [], (url, seen)
    office.locator("main form button[type=submit]").last.click()  # the new expert, empty: refused by field
    office.wait_for_load_state()
    assert office.locator(".invalid-feedback").count() > 0 and serious_violations(office) == []


def test_the_office_writes_a_look_back_review_with_its_rows_and_a_row_error_names_its_row(live_server, new_page, people,
                                                                                           reform_factory):
    review = lookback_services.schedule_review(user=people.office, reform=completed_key(reform_factory), scheduled_on=today())
    base, url = live_server.url, f"/evaluation/lookback/{review.pk}/edit/"
    page = new_page({"width": 1280, "height": 900})
    log_in(page, base, "office", url)
    assert serious_violations(page) == []
    page.check("input[name=mechanism][value=yes]")
    page.fill("textarea[name=mechanism_text]", "形成家庭医生签约服务长效机制")
    page.fill("input[name='documents-0-title']", "罗湖区家庭医生签约服务管理办法")
    page.fill("input[name='documents-0-number']", "深罗府办〔2016〕12号")
    page.fill("input[name='adoptions-0-place']", "全国")  # no level: the row is refused, nothing saved
    page.fill("textarea[name='problems-0-description']", "部分社区健康中心人手不足")
    page.locator("main form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").is_visible()
    level = page.locator("select[name='adoptions-0-level']")
    assert level.get_attribute("aria-invalid") == "true"  # the row's field at fault, and its message beside it
    assert page.locator(f"#{level.get_attribute('aria-describedby')}").inner_text().strip()  # the message it names
    assert page.locator("td", has=level).locator(".invalid-feedback").count() == 1
    assert page.locator(".invalid-feedback").count() == 1
    assert serious_violations(page) == []
    review.refresh_from_db()
    assert not review.documents.exists() and not review.problems.exists()
    assert page.input_value("input[name='documents-0-number']") == "深罗府办〔2016〕12号"  # what was typed is kept
    page.select_option("select[name='adoptions-0-level']", "nation")
    page.locator("main form button[type=submit]:not([name])").click()
    page.wait_for_url(f"{base}/evaluation/lookback/{review.pk}/")
    text = page.locator("main").inner_text()
    assert "深罗府办〔2016〕12号" in text and "部分社区健康中心人手不足" in text
    assert serious_violations(page) == []
    assert review.documents.get().number == "深罗府办〔2016〕12号" and review.adoptions.get().level == "nation"
