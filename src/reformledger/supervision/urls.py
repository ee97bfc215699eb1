from django.urls import path

from .views import (
    board,
    bulletin,
    decisions,
    evidence,
    extensions,
    help,
    inbox,
    orders,
    progress,
    replies,
    reports,
    tasks,
)

app_name = "supervision"
urlpatterns: list = [
    # Tasks (views/tasks.py)
    path("", tasks.my_tasks, name="my-tasks"),
    path("reforms/<int:pk>/tasks/", tasks.task_tree, name="tree"),
    path("reforms/<int:pk>/tasks/new/", tasks.task_new, name="task-new"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", tasks.task_delete, name="task-delete"),
    # The warning board (views/board.py)
    path("board/", board.board, name="board"),
    path("board/export/", board.board_export, name="board-export"),
    path("board/urge/", board.board_urge, name="board-urge"),
    # Progress reports, urging, the review queue, evidence (views/reports.py, views/evidence.py)
    path("tasks/<int:pk>/report/", reports.report_new, name="report"),
    path("tasks/<int:pk>/urge/", reports.urge, name="task-urge"),
    path("reports/", reports.report_queue, name="reports"),
    path("reports/accept/", reports.reports_accept, name="reports-accept"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path("evidence/<int:pk>/", evidence.evidence, name="evidence"),
    # The inbox (views/inbox.py)
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_read, name="inbox-read"),
    # Supervision orders, their replies and bulletins (views/orders.py, views/replies.py, views/bulletin.py)
    path("orders/", orders.order_list, name="orders"),
    path("orders/new/", orders.order_new, name="order-new"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/acknowledge/", orders.order_acknowledge, name="order-acknowledge"),
    path("orders/<int:pk>/document/", orders.order_document, name="order-docx"),
    path("orders/<int:pk>/reply/", replies.reply_new, name="order-reply"),
    path("order-replies/<int:pk>/review/", replies.reply_review, name="order-reply-review"),
    path("order-files/<int:pk>/", replies.reply_file, name="order-reply-file"),
    path("bulletin/", bulletin.bulletin, name="bulletin"),
    # Completion, change requests (views/decisions.py), help needed (views/help.py)
    path("decisions/", decisions.decisions, name="decisions"),
    path("reforms/<int:pk>/completion/", decisions.completion_apply, name="completion-apply"),
    path("completions/<int:pk>/decide/", decisions.completion_decide, name="completion-decide"),
    path("reforms/<int:pk>/completion/reopen/", decisions.completion_reopen, name="completion-reopen"),
    path("tasks/<int:pk>/correct-progress/", progress.correct_task, name="task-correct-progress"),
    path("reforms/<int:pk>/correct-progress/", progress.correct_reform, name="reform-correct-progress"),
    path("reforms/<int:pk>/changes/new/", decisions.change_new, name="change-new"),
    path("changes/<int:pk>/", decisions.change_detail, name="change"),
    path("changes/<int:pk>/decide/", decisions.change_decide, name="change-decide"),
    # Extension requests (views/extensions.py); the office's queue is on the decisions page
    path("tasks/<int:pk>/extension/", extensions.extension_new, name="extension-new"),
    path("extensions/<int:pk>/", extensions.extension_decide, name="extension"),
    path("help/", help.help_list, name="help"),
    path("help/<int:pk>/resolve/", help.help_resolve, name="help-resolve"),
]
