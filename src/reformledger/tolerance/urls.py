from django.urls import path

from .views import cases, review

app_name = "tolerance"
urlpatterns: list = [
    # The applicant (views/cases.py)
    path("", cases.my_cases, name="my-cases"),
    path("apply/", cases.choose_reform, name="choose"),
    path("reforms/<int:pk>/apply/", cases.apply, name="apply"),
    # A case: everyone who may see it; the opinion for its reviewers, withdrawing for its applicant
    path("cases/<int:pk>/", cases.case_page, name="case"),
    path("cases/<int:pk>/opinion/", cases.give_opinion, name="opinion"),
    path("cases/<int:pk>/withdraw/", cases.withdraw, name="withdraw"),
    path("cases/<int:pk>/files/<int:file_id>/", cases.evidence, name="evidence"),
    # The reviewers (views/review.py)
    path("queue/", review.queue, name="queue"),
    path("precedents/", review.precedent_library, name="precedents"),
    path("checklist/", review.checklist_page, name="checklist"),
    path("checklist/items/", review.checklist_add, name="checklist-add"),
    path("checklist/items/<int:pk>/", review.checklist_change, name="checklist-change"),
]
