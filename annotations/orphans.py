"""The admin's orphan queue: what a new revision of a text could not place, and the moderators'
decisions on it (``annotations.anchoring.reattach_orphan`` and ``retire_orphan``)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from archive.models import Passage

from .anchoring import (
    DESTINATION,
    ORPHAN_MODELS,
    orphan_end,
    orphaned,
    reattach_orphan,
    retire_orphan,
)
from .forms import OrphanActionForm
from .services import TargetData


@dataclass
class Orphan:
    """One row of the queue: the record, which of its ends is orphaned, and where it is pinned."""

    kind: str
    item: object
    end: str

    @property
    def passage(self):
        return self.item.to_passage if self.end == DESTINATION else self.item.passage

    @property
    def quote(self):
        exact = self.item.to_exact if self.end == DESTINATION else self.item.exact
        return exact or self.passage.text

    @property
    def admin_url_name(self):
        return f"admin:annotations_{self.item._meta.model_name}_change"


def orphan_queue():
    """Every orphan, oldest first."""
    rows = [
        Orphan(kind, item, orphan_end(item))
        for kind, model in ORPHAN_MODELS.items()
        for item in orphaned(model)
    ]
    return sorted(rows, key=lambda row: row.item.created)


def decide(request):
    """Carry out the decision posted from the queue; say what happened in a message."""
    form = OrphanActionForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, errors[0])
        return
    data = form.cleaned_data
    item = ORPHAN_MODELS[data["kind"]].objects.filter(pk=data["item"]).first()
    if item is None:
        messages.error(request, "No such record.")
        return
    try:
        if data["action"] == "retire":
            retire_orphan(item=item, user=request.user, note=data["note"])
            messages.success(request, f"Retired: {item}.")
            return
        pinned = Orphan(data["kind"], item, orphan_end(item)).passage
        passage = Passage.objects.filter(document=pinned.document_id, order=data["passage"]).first()
        if passage is None:
            messages.error(request, f"The current revision has no passage {data['passage']}.")
            return
        reattach_orphan(
            item=item, user=request.user, target=TargetData(passage=passage, exact=data["exact"])
        )
        messages.success(request, f"Re-attached to passage {passage.order}: {item}.")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
