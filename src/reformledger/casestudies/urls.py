from django.urls import path

from .views import actions, materials, office, public

app_name = "casestudies"
urlpatterns: list = [
    # The public site (views/public.py)
    path("case-studies/", public.case_list, name="list"),
    path("case-studies/<int:pk>/", public.case_page, name="case"),
    path("case-studies/<int:pk>/materials/<int:material_id>/", public.case_material, name="material"),
    path("case-studies/<int:pk>/attachments/<int:attachment_id>/", public.case_attachment, name="attachment"),
    # The office's and the units' pages (views/office.py, actions.py, materials.py)
    path("office/case-studies/", office.case_list, name="office-list"),
    path("office/case-studies/new/", office.case_new, name="office-new"),
    path("office/case-studies/<int:pk>/", office.case_detail, name="office-case"),
    path("office/case-studies/<int:pk>/edit/", office.case_edit, name="office-edit"),
    path("office/case-studies/<int:pk>/submit/", actions.case_submit, name="office-submit"),
    path("office/case-studies/<int:pk>/return/", actions.case_return, name="office-return"),
    path("office/case-studies/<int:pk>/publish/", actions.case_publish, name="office-publish"),
    path("office/case-studies/<int:pk>/unpublish/", actions.case_unpublish, name="office-unpublish"),
    path("office/case-studies/<int:pk>/adoptions/new/", actions.adoption_new, name="office-adoption-new"),
    path("office/case-studies/<int:pk>/adoptions/<int:adoption_id>/withdraw/", actions.adoption_withdraw, name="office-adoption-withdraw"),
    path("office/case-studies/<int:pk>/materials/", materials.material_add, name="office-material-add"),
    path("office/case-studies/<int:pk>/materials/<int:material_id>/", materials.material_download, name="office-material"),
    path("office/case-studies/<int:pk>/materials/<int:material_id>/remove/", materials.material_remove, name="office-material-remove"),
]
