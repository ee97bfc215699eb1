from django.urls import path

from .views import panels, sheets

app_name = "evaluation"
urlpatterns: list = [
    # --- expert panels (eval-panels): the office's pages, then the expert's ---
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
    # --- end expert panels ---
]
