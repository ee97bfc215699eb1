from django.urls import path

from . import views, views_decisions, views_orders

app_name = "supervision"
urlpatterns: list = [
    # Tasks, reports, the board, the inbox (views.py)
    path("", views.my_tasks, name="my-tasks"),
    path("start/", views.start, name="start"),
    path("board/", views.board, name="board"),
    path("reforms/<int:pk>/tasks/", views.task_tree, name="tree"),
    path("reforms/<int:pk>/tasks/new/", views.task_new, name="task-new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("tasks/<int:pk>/report/", views.report_new, name="report"),
    path("tasks/<int:pk>/urge/", views.urge, name="task-urge"),
    path("reports/", views.report_queue, name="reports"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    # Supervision orders and bulletins (views_orders.py)
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/new/", views_orders.order_new, name="order-new"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/acknowledge/", views_orders.order_acknowledge, name="order-acknowledge"),
    path("orders/<int:pk>/document/", views_orders.order_document, name="order-docx"),
    path("bulletin/", views_orders.bulletin, name="bulletin"),
    # Completion, change requests, help needed (views_decisions.py)
    path("decisions/", views_decisions.decisions, name="decisions"),
    path("reforms/<int:pk>/completion/", views_decisions.completion_apply, name="completion-apply"),
    path("completions/<int:pk>/decide/", views_decisions.completion_decide, name="completion-decide"),
    path("reforms/<int:pk>/changes/new/", views_decisions.change_new, name="change-new"),
    path("changes/<int:pk>/", views_decisions.change_detail, name="change"),
    path("changes/<int:pk>/decide/", views_decisions.change_decide, name="change-decide"),
    path("help/", views_decisions.help_list, name="help"),
    path("help/<int:pk>/resolve/", views_decisions.help_resolve, name="help-resolve"),
]
