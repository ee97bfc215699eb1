from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry, AuditHead


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit non-zero naming the first bad entry."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        if problems:
            for problem in problems:
                self.stderr.write(problem.message)
            first = problems[0]
            raise CommandError(_("Audit trail broken: first bad entry is #%(seq)s.") % {"seq": first.seq})
        count = AuditEntry.objects.count()
        head = AuditHead.objects.get(pk=1)
        self.stdout.write(
            _("Audit trail intact: %(count)d entries; head #%(seq)d %(hash)s.")
            % {"count": count, "seq": head.seq, "hash": head.last_hash}
        )
