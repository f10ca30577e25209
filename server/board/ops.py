"""Operations a client may ask for, one class per wire operation name.

These classes fix the *shape* of each operation (field names and JSON types, nothing extra). What the
values may be — text length, existing notes, roles, the lock — is decided by `rules.decide`, so that every
refusal carries a stable code.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

# Client operation ids: opaque to the server, unique per participant.
ClientOpId = Annotated[str, Field(min_length=1, max_length=64)]
# The version of a note or link that the sender last saw (rule P32): refused with `changed_since` if it moved on.
Expected = Annotated[int, Field(ge=1, le=2**53)]
# How many links one note.restore brings back, and a note.delete may expect: more than a frame ever holds.
MAX_RESTORED_LINKS = 1000
# How many notes one notes.arrange moves: about as many as fit in a frame.
MAX_ARRANGED = 1000


class Op(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    cid: ClientOpId | None = None


class NoteAdd(Op):
    op: Literal["note.add"]
    id: str
    kind: str
    text: str
    x: float
    y: float
    colour: str | None = None
    # The facilitator adds it for someone in the room without a device (rule P42): a participant of role "proxy".
    on_behalf_of: str | None = None


class NoteUpdate(Op):
    op: Literal["note.update"]
    id: str
    text: str | None = None
    kind: str | None = None
    colour: str | None = None
    expect: Expected | None = None


class NoteMove(Op):
    """The final position after a drag: stored and acknowledged."""

    op: Literal["note.move"]
    id: str
    x: float
    y: float
    expect: Expected | None = None


class NoteDrag(Op):
    """An intermediate position during a drag: relayed to others, coalesced, never stored."""

    op: Literal["note.drag"]
    id: str
    x: float
    y: float


class NoteDelete(Op):
    op: Literal["note.delete"]
    id: str
    expect: Expected | None = None
    # The links the sender expects to go with the note: refused with `changed_since` if it has others.
    expect_links: Annotated[list[str], Field(max_length=MAX_RESTORED_LINKS)] | None = None


class RestoredLink(BaseModel):
    """A link as it was when it was deleted, to be brought back under its own id."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: str
    source: str
    target: str
    label: str = ""
    author: str | None = None  # who made it, when that is a participant of the workshop; else the restorer
    created_at: int | None = None


class NoteRestore(Op):
    """Bring a deleted note back under its own id (undoing its deletion), with those of its links that can come."""

    op: Literal["note.restore"]
    id: str
    kind: str
    text: str
    x: float
    y: float
    colour: str | None = None
    author: str | None = None
    created_at: int | None = None
    links: Annotated[list[RestoredLink], Field(max_length=MAX_RESTORED_LINKS)] = []


class ArrangedNote(BaseModel):
    """Where one note of a `notes.arrange` goes."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: str
    x: float
    y: float
    expect: Expected | None = None


class NotesArrange(Op):
    """Move many notes at once (a tidy-up by the facilitator): one event, so one undo puts them all back."""

    op: Literal["notes.arrange"]
    moves: Annotated[list[ArrangedNote], Field(min_length=1, max_length=MAX_ARRANGED)]


class LinkRestore(Op):
    """Bring a deleted link back under its own id (undoing its deletion)."""

    op: Literal["link.restore"]
    id: str
    source: str
    target: str
    label: str = ""
    author: str | None = None
    created_at: int | None = None


class LinkAdd(Op):
    op: Literal["link.add"]
    id: str
    source: str
    target: str
    label: str = ""


class LinkUpdate(Op):
    op: Literal["link.update"]
    id: str
    label: str
    expect: Expected | None = None


class SourceSpec(BaseModel):
    """A source a link's support cites: a web address or a DOI (checked in form; nothing is fetched)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    url: str | None = None
    doi: str | None = None
    title: str = ""


class LinkEvidence(Op):
    """How and why the link's source leads to its target, and what supports it (rule P46)."""

    op: Literal["link.evidence"]
    id: str
    mechanism: str | None = None
    support: Annotated[list[str], Field(max_length=6)] | None = None
    sources: Annotated[list[SourceSpec], Field(max_length=20)] | None = None
    strength: Literal["none", "weak", "moderate", "strong"] | None = None  # given as null: not graded
    expect: Expected | None = None


class LinkAssumption(Op):
    """Attach a note (an assumption, a risk) to a link that rests on it, or take it off (rule P46)."""

    op: Literal["link.assumption"]
    id: str
    note: str
    attached: bool = True
    expect: Expected | None = None


class ConfidenceSet(Op):
    """The sender's own confidence in a link, 1 to 5, or null to take it back (rule P46)."""

    op: Literal["confidence.set"]
    id: str
    value: Annotated[int, Field(ge=1, le=5)] | None
    on_behalf_of: str | None = None


class IndicatorSpec(BaseModel):
    """What would show an outcome or impact: the indicator, its baseline and target, and where the data is."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    indicator: str
    baseline: str = ""
    target: str = ""
    source: str = ""


class NoteIndicators(Op):
    """An outcome's or impact's indicators and the kind of change it is (rule P47)."""

    op: Literal["note.indicators"]
    id: str
    indicators: Annotated[list[IndicatorSpec], Field(max_length=10)] | None = None
    change: Literal["awareness", "attitudes", "behaviour", "systems", "policy"] | None = None  # null: not said
    expect: Expected | None = None


class LinkDelete(Op):
    op: Literal["link.delete"]
    id: str
    expect: Expected | None = None


class WorkshopLock(Op):
    op: Literal["workshop.lock"]


class WorkshopUnlock(Op):
    op: Literal["workshop.unlock"]


class WorkshopRename(Op):
    op: Literal["workshop.rename"]
    title: str | None = None
    question: str | None = None


class WorkshopChecks(Op):
    """Show the method's checks to everyone, or to the facilitator alone (rule P49)."""

    op: Literal["workshop.checks"]
    shown: bool


class WorkshopShareExports(Op):
    """Let participants download the map's exports too (or stop them)."""

    op: Literal["workshop.share_exports"]
    enabled: bool


class PhaseSpec(BaseModel):
    """One phase of a workshop's plan (rule P36): what it asks, how long it has, what participants may do."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    name: str
    prompt: str = ""
    seconds: int | None = None
    kinds: Annotated[list[str], Field(max_length=100)] | None = None
    link: bool = True
    move: bool = True
    edit_others: bool = True
    private: bool = False
    facilitator_sees: bool = True
    anonymous: bool = False


class NotesMerge(Op):
    """Fold duplicate notes into one (rule P43): their links and dots move to it; they are kept on it, whole."""

    op: Literal["notes.merge"]
    into: str
    notes: Annotated[list[str], Field(max_length=100)]
    expect: Expected | None = None


class NotesUnmerge(Op):
    """Undo the latest merge into a note: the merged notes and their links come back as they were."""

    op: Literal["notes.unmerge"]
    id: str
    expect: Expected | None = None


class ClusterAdd(Op):
    """A named frame around notes (rule P44)."""

    op: Literal["cluster.add"]
    id: str
    label: str
    x: float
    y: float
    width: float
    height: float


class ClusterUpdate(Op):
    """Rename, move or resize a cluster; moving it takes `notes` (those the sender sees inside it) along."""

    op: Literal["cluster.update"]
    id: str
    label: str | None = None
    x: float | None = None
    y: float | None = None
    width: float | None = None
    height: float | None = None
    notes: Annotated[list[str], Field(max_length=1000)] = []
    expect: Expected | None = None


class ClusterDelete(Op):
    """Remove a cluster's frame; its notes stay where they are."""

    op: Literal["cluster.delete"]
    id: str
    expect: Expected | None = None


class NotesReveal(Op):
    """Show everyone every private note (rule P38), named or without names."""

    op: Literal["notes.reveal"]
    anonymous: bool = False


class TimerStart(Op):
    """Start (or go on with) the phase's timer."""

    op: Literal["timer.start"]


class TimerPause(Op):
    op: Literal["timer.pause"]


class TimerAdd(Op):
    """Add time to the phase's timer (negative: take some off)."""

    op: Literal["timer.add"]
    seconds: int


class VoteOpen(Op):
    """Open a dot vote on notes (optionally of some kinds), links (rule P40) or pathways (rule P48)."""

    op: Literal["vote.open"]
    on: Literal["notes", "links", "pathways"]
    budget: int
    max_per_item: int
    anonymous: bool = False
    kinds: Annotated[list[str], Field(max_length=100)] | None = None
    title: str = ""
    start: str | None = None  # a vote on pathways: the kind they start at (rule P48)
    end: str | None = None  # and the kind they end at


class VoteCast(Op):
    """Put this many of one's dots on an item (replacing what one had there; 0 takes them back)."""

    op: Literal["vote.cast"]
    item: str
    dots: int
    on_behalf_of: str | None = None  # as for note.add (rule P42)


class VoteClose(Op):
    op: Literal["vote.close"]


class ParticipantProxy(Op):
    """Put someone without a device on the board, by name, for the facilitator to act for (rule P42)."""

    op: Literal["participant.proxy"]
    name: str


class ParticipantRename(Op):
    """Give a participant (or someone without a device) another name: the facilitator anyone's, anyone their own
    (rule P50)."""

    op: Literal["participant.rename"]
    id: str
    name: str


class ParticipantRemove(Op):
    """Take someone out of the workshop: their token stops working; what they made stays theirs (rule P50)."""

    op: Literal["participant.remove"]
    id: str


class PlanSet(Op):
    """Replace the workshop's plan of phases, and say which phase is current."""

    op: Literal["plan.set"]
    phases: Annotated[list[PhaseSpec], Field(max_length=100)]
    current: int = 0


class PhaseGo(Op):
    """Move the room to another phase of the plan, forward or back."""

    op: Literal["phase.go"]
    index: int


class LaneSpec(BaseModel):
    """One lane of the board (rule P45): its label and the kinds whose notes belong in it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    label: str
    kinds: Annotated[list[str], Field(max_length=12)]


class LanesSet(Op):
    """Replace the board's lanes, left to right (an empty list takes them away)."""

    op: Literal["lanes.set"]
    lanes: Annotated[list[LaneSpec], Field(max_length=12)]


class GroupSpec(BaseModel):
    """One stakeholder group (rule P51): a short id, the label people see, and a colour if the facilitator picks one."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: Annotated[str, Field(max_length=40)]
    label: Annotated[str, Field(max_length=200)]
    colour: Annotated[str, Field(max_length=7)] | None = None


class GroupsSet(Op):
    """Replace the workshop's stakeholder groups (an empty list takes them away)."""

    op: Literal["groups.set"]
    groups: Annotated[list[GroupSpec], Field(max_length=12)]


class ParticipantGroup(Op):
    """Put a participant in a group, or in none (null): the sender, or anyone when the facilitator sends it."""

    op: Literal["participant.group"]
    group: Annotated[str, Field(max_length=40)] | None
    participant: Annotated[str, Field(max_length=64)] | None = None


class Endorse(Op):
    """The sender endorses a note or link (`on`), or takes their endorsement back."""

    op: Literal["endorse"]
    id: str
    on: bool
    on_behalf_of: str | None = None


# A story's texts: bounded on the wire beyond any limit the rules give (rule P52), so nothing huge is parsed twice.
StoryText = Annotated[str, Field(max_length=4000)]


class StoryAdd(Op):
    """A contribution story along a pathway (rule P52): what changed, for whom, what we did, how it contributed,
    the evidence, and the notes of other factors that may explain it."""

    op: Literal["story.add"]
    id: str
    title: StoryText
    pathway: StoryText
    what_changed: StoryText = ""
    for_whom: StoryText = ""
    what_we_did: StoryText = ""
    how_it_contributed: StoryText = ""
    evidence: StoryText = ""
    other_factors: Annotated[list[str], Field(max_length=50)] = []


class StoryUpdate(Op):
    """Change any of a story's fields (rule P52); optional `expect` (P32)."""

    op: Literal["story.update"]
    id: str
    title: StoryText | None = None
    pathway: StoryText | None = None
    what_changed: StoryText | None = None
    for_whom: StoryText | None = None
    what_we_did: StoryText | None = None
    how_it_contributed: StoryText | None = None
    evidence: StoryText | None = None
    other_factors: Annotated[list[str], Field(max_length=50)] | None = None
    expect: Expected | None = None


class StoryDelete(Op):
    """Remove a story (rule P52); optional `expect` (P32)."""

    op: Literal["story.delete"]
    id: str
    expect: Expected | None = None


class WorkshopJoining(Op):
    """Let new people join (by the join link or the short code), or stop them; those already in stay."""

    op: Literal["workshop.joining"]
    open: bool


class PresenceSet(Op):
    """What this participant is doing now (editing a note, or nothing): relayed, never stored."""

    op: Literal["presence.set"]
    editing: str | None = None


class ViewRect(BaseModel):
    """A region of the board, in board coordinates: what a screen shows, whatever its size."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    x: float
    y: float
    width: float
    height: float


class ViewShare(Op):
    """The facilitator's view for everyone to follow (`null` ends it): relayed, never stored."""

    op: Literal["view.share"]
    view: ViewRect | None


class NoteSpotlight(Op):
    """Put one note in front of everyone (`null` ends it): relayed, never stored (rule P41)."""

    op: Literal["note.spotlight"]
    id: str | None


AnyOp = Union[  # noqa: UP007 - a runtime value too: OP_NAMES reads its members
    NoteAdd,
    NoteUpdate,
    NoteMove,
    NoteDrag,
    NoteDelete,
    NoteRestore,
    NotesArrange,
    LinkAdd,
    LinkUpdate,
    LinkDelete,
    LinkRestore,
    LinkEvidence,
    LinkAssumption,
    ConfidenceSet,
    NoteIndicators,
    WorkshopLock,
    WorkshopUnlock,
    WorkshopRename,
    WorkshopShareExports,
    WorkshopChecks,
    PlanSet,
    PhaseGo,
    NotesReveal,
    NotesMerge,
    NotesUnmerge,
    ClusterAdd,
    ClusterUpdate,
    ClusterDelete,
    LanesSet,
    StoryAdd,
    StoryUpdate,
    StoryDelete,
    TimerStart,
    TimerPause,
    TimerAdd,
    VoteOpen,
    VoteCast,
    VoteClose,
    WorkshopJoining,
    PresenceSet,
    ViewShare,
    NoteSpotlight,
    ParticipantProxy,
    ParticipantRename,
    ParticipantRemove,
    GroupsSet,
    ParticipantGroup,
    Endorse,
]

OP_ADAPTER: TypeAdapter[AnyOp] = TypeAdapter(Annotated[AnyOp, Field(discriminator="op")])

OP_NAMES: frozenset[str] = frozenset(
    cls.model_fields["op"].annotation.__args__[0]
    for cls in AnyOp.__args__  # type: ignore[attr-defined]
)

# Operations that change the map and are numbered, stored and acknowledged. The rest are transient.
TRANSIENT_OPS: frozenset[str] = frozenset({"note.drag", "presence.set", "view.share", "note.spotlight"})
FACILITATOR_OPS: frozenset[str] = frozenset(
    {
        "workshop.lock",
        "workshop.unlock",
        "workshop.rename",
        "workshop.share_exports",
        "workshop.checks",
        "view.share",
        "note.spotlight",
        "participant.proxy",
        "participant.remove",
        "plan.set",
        "phase.go",
        "notes.reveal",
        "timer.start",
        "timer.pause",
        "timer.add",
        "vote.open",
        "vote.close",
        "workshop.joining",
        "notes.arrange",
        "lanes.set",
        "groups.set",
    }
)
