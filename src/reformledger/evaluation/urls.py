from django.urls import path

from .views import lookback, offline, panels, ratings, residents, results, rounds, sheets

app_name = "evaluation"
urlpatterns: list = [
    # Residents and everyone who rates (views/residents.py, views/ratings.py)
    path("signup/", residents.signup, name="signup"),
    path("rounds/", ratings.open_rounds, name="open-rounds"),
    path("rounds/<int:pk>/", ratings.round_page, name="round"),
    path("rounds/<int:pk>/reforms/<int:reform_pk>/rate/", ratings.rate, name="rate"),
    path("rounds/<int:pk>/code/", offline.code_rate, name="code-rate"),
    path("my-ratings/", ratings.my_ratings, name="my-ratings"),
    # Results (views/results.py): the office's live results, everyone's once published
    path("rounds/<int:pk>/results/", results.round_results_page, name="round-results"),
    path("rounds/<int:pk>/results.csv", results.round_results_export, {"fmt": "csv"}, name="round-results-csv"),
    path("rounds/<int:pk>/results.xlsx", results.round_results_export, {"fmt": "xlsx"}, name="round-results-xlsx"),
    path("rounds/<int:pk>/anomalies/", results.round_anomalies_page, name="round-anomalies"),
    # Offline channels (views/offline.py): rating code packs and paper slips
    path("rounds/<int:pk>/codes/", offline.code_packs, name="code-packs"),
    path("rounds/<int:pk>/codes/<int:pack>/download/", offline.code_pack_download, name="code-pack-download"),
    path("rounds/<int:pk>/slips/", offline.slips, name="slips"),
    path("rounds/<int:pk>/slips/template.xlsx", offline.slips_template, name="slips-template"),
    # The office's rounds and moderation (views/rounds.py, views/ratings.py)
    path("office/rounds/", rounds.round_list, name="office-rounds"),
    path("office/rounds/new/", rounds.round_new, name="office-round-new"),
    path("office/rounds/<int:pk>/", rounds.round_detail, name="office-round"),
    path("office/rounds/<int:pk>/edit/", rounds.round_edit, name="office-round-edit"),
    path("office/rounds/<int:pk>/close/", rounds.round_close, name="office-round-close"),
    path("office/rounds/<int:pk>/publish/", rounds.round_publish, name="office-round-publish"),
    path("office/moderation/", ratings.moderation, name="moderation"),
    path("office/ratings/<int:pk>/moderate/", ratings.moderate, name="moderate"),
    # Expert panels (views/panels.py: the office's; views/sheets.py: the expert's)
    path("panels/", panels.panel_list, name="panels"),
    path("panels/new/", panels.panel_new, name="panel-new"),
    path("panels/experts/new/", panels.expert_add, name="expert-add"),
    path("panels/<int:pk>/", panels.panel_detail, name="panel"),
    path("panels/<int:pk>/edit/", panels.panel_edit, name="panel-edit"),
    path("panels/<int:pk>/open/", panels.panel_open, name="panel-open"),
    path("panels/<int:pk>/close/", panels.panel_close, name="panel-close"),
    path("panels/<int:pk>/report.docx", panels.report_docx, name="panel-docx"),
    path("panels/<int:pk>/report.xlsx", panels.report_xlsx, name="panel-xlsx"),
    path("panels/<int:panel>/sheets/<int:pk>/reopen/", panels.sheet_reopen, name="sheet-reopen"),
    path("my-panels/", sheets.my_panels, name="my-panels"),
    path("my-panels/<int:pk>/", sheets.my_panel, name="my-panel"),
    path("my-panels/<int:panel>/sheets/<int:pk>/", sheets.sheet_score, name="sheet"),
    path("my-panels/<int:panel>/sheets/<int:pk>/submit/", sheets.sheet_submit, name="sheet-submit"),
    # Look-back reviews (views/lookback.py)
    path("lookback/", lookback.lookback_list, name="lookback-list"),
    path("lookback/schedule-due/", lookback.lookback_schedule_due, name="lookback-schedule-due"),
    path("lookback/reforms/<int:pk>/new/", lookback.lookback_new, name="lookback-new"),
    path("lookback/<int:pk>/", lookback.lookback_detail, name="lookback"),
    path("lookback/<int:pk>/edit/", lookback.lookback_edit, name="lookback-edit"),
    path("lookback/<int:pk>/conclude/", lookback.lookback_conclude, name="lookback-conclude"),
    path("lookback/<int:pk>/reopen/", lookback.lookback_reopen, name="lookback-reopen"),
    path("lookback/problems/<int:pk>/follow-up/", lookback.lookback_follow_up, name="lookback-follow-up"),
]
