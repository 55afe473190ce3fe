"""Permission names and the checks the services and views share."""

SCHOLARS = "Scholars"
MODERATORS = "Moderators"

ADD_ANNOTATION = "annotations.add_annotation"
MODERATE_ANNOTATION = "annotations.moderate_annotation"
MODERATE_FLAG = "annotations.moderate_disputedclaim"

#: Codenames each group is given by the data migration.
SCHOLAR_PERMISSIONS = (
    "add_annotation",
    "change_annotation",
    "view_annotation",
    "add_disputedclaim",
    "view_disputedclaim",
    "add_evidence",
    "view_evidence",
    "add_crossreference",
    "change_crossreference",
    "view_crossreference",
)
MODERATOR_PERMISSIONS = SCHOLAR_PERMISSIONS + (
    "moderate_annotation",
    "moderate_disputedclaim",
    "change_disputedclaim",
)


def can_create(user):
    """Scholars (and moderators) write annotations, flags and cross-references."""
    return user.is_authenticated and user.has_perm(ADD_ANNOTATION)


def can_moderate_annotations(user):
    return user.is_authenticated and user.has_perm(MODERATE_ANNOTATION)


def can_moderate_flags(user):
    return user.is_authenticated and user.has_perm(MODERATE_FLAG)


def can_change_annotation(user, annotation):
    """The author or a moderator may edit, delete, restore or revert an annotation."""
    if not user.is_authenticated:
        return False
    return annotation.author_id == user.pk or can_moderate_annotations(user)


def can_change_crossref(user, crossref):
    if not user.is_authenticated:
        return False
    return crossref.author_id == user.pk or can_moderate_annotations(user)


#: What moderators get on top of MODERATOR_PERMISSIONS for the admin, by app: to see every
#: record and correct catalogue metadata; never to delete a document or administer users.
MODERATOR_ADMIN_PERMISSIONS = {
    "archive": (
        "view_document",
        "change_document",
        "view_section",
        "view_passage",
        "view_note",
        "change_note",
        "view_reference",
        "change_reference",
        "view_documentreference",
        "change_documentreference",
        "view_externallink",
        "change_externallink",
        "view_documentlink",
        "change_documentlink",
    ),
    "annotations": ("view_tag", "view_moderationlogentry"),
}
