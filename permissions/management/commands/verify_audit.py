from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from permissions.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit chain and report the first broken link (exit status 1 if any)."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                _(
                    "Audit chain broken at entry %(seq)d: %(reason)s (%(checked)d entries before it are sound)."
                )
                % {"seq": report.broken_seq, "reason": report.reason, "checked": report.checked}
            )
        self.stdout.write(_("Audit chain intact: %(count)d entries.") % {"count": report.checked})
