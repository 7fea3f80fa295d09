"""An editor's hands on the admin, counted: every pointer action and every page load.

The counting convention, the same for every flow measured with it:

- a click on a link, button or checkbox is one click;
- typing into a text field costs the click that puts the cursor there (an editor moves between
  fields with the mouse);
- a native select or an autocomplete (select2) is two clicks: open, then choose (the typing in
  between is not counted);
- selecting a passage of the article with the mouse is one (a drag);
- keyboard shortcuts (copy and paste) are not clicks;
- a page load is a top-level document arriving in the browser (popups included; a redirect
  is not one).
"""

from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

# Selects the ``occurrence``-th (0-based) run of ``text`` inside ``root``, across the text nodes
# the article's highlights split it into, as a mouse drag would.
SELECT_TEXT_JS = """
([root, text]) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let whole = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, whole.length]);
    whole += walker.currentNode.data;
  }
  const start = whole.indexOf(text);
  if (start < 0) throw new Error("not in the article: " + text);
  const end = start + text.length;
  const at = (offset) => {
    for (const [node, from] of nodes) {
      if (offset <= from + node.data.length) return [node, offset - from];
    }
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
  document.dispatchEvent(new Event("selectionchange"));
}
"""


@dataclass
class Tally:
    clicks: int = 0
    loads: int = 0


@dataclass
class Desk:
    page: Page
    base_url: str
    tally: Tally = field(default_factory=Tally)
    phases: dict[str, Tally] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._watch(self.page)
        self.page.context.on("page", self._watch)

    def _watch(self, page: Page) -> None:
        # A document arriving, not its load event: a click made before a page finishes
        # loading (as people do) cancels that page's load event, not its arrival.
        page.on("response", self._arrived)

    def _arrived(self, response) -> None:
        request = response.request
        if (
            request.resource_type == "document"
            and response.frame.parent_frame is None
            and not 300 <= response.status < 400  # a redirect is followed, not seen
        ):
            self._count(loads=1)

    def _count(self, clicks: int = 0, loads: int = 0) -> None:
        self.tally.clicks += clicks
        self.tally.loads += loads

    def phase(self, name: str) -> Tally:
        """Count from here on under ``name`` (the previous phase is closed)."""
        self.page.wait_for_load_state("load")  # a load under way belongs to the last phase
        self.tally = self.phases.setdefault(name, Tally())
        return self.tally

    def total(self, *names: str) -> Tally:
        return Tally(
            clicks=sum(self.phases[n].clicks for n in names),
            loads=sum(self.phases[n].loads for n in names),
        )

    # -- the editor's actions ----------------------------------------------------------

    def click(self, target: Locator) -> None:
        target.click()
        self._count(clicks=1)

    def type(self, target: Locator, text: str) -> None:
        target.click()
        target.fill(text)
        self._count(clicks=1)

    def choose(self, target: Locator, label: str) -> None:
        target.select_option(label=label)
        self._count(clicks=2)

    def pick(self, select_id: str, typed: str, option: str) -> None:
        """An autocomplete: open it, type, click the option named ``option``."""
        self.page.locator(f"#{select_id} + .select2").click()
        self.page.locator(".select2-container--open .select2-search__field").fill(typed)
        results = self.page.locator(".select2-container--open .select2-results")
        results.get_by_role("option", name=option, exact=True).click()
        self._count(clicks=2)

    def pick_first(self, select_id: str, typed: str) -> None:
        """An autocomplete whose first option is the one meant: open, type, click it."""
        self.page.locator(f"#{select_id} + .select2").click()
        self.page.locator(".select2-container--open .select2-search__field").fill(typed)
        self.page.locator(".select2-container--open .select2-results__option").first.click()
        self._count(clicks=2)

    def select_passage(self, article: Locator, text: str) -> None:
        """Select ``text`` in the article with the mouse (one drag)."""
        self.page.evaluate(SELECT_TEXT_JS, [article.element_handle(), text])
        self._count(clicks=1)

    def log_in(self, user, password: str) -> None:
        self.page.goto(f"{self.base_url}/admin/login/?next=/admin/")
        self.type(self.page.locator("#id_username"), user.username)
        self.type(self.page.locator("#id_password"), password)
        self.click(self.page.get_by_role("button", name="Log in"))
        expect(self.page.locator("#user-tools")).to_contain_text(user.username)

    def log_out(self) -> None:
        self.click(self.page.locator("#logout-form").get_by_role("button", name="Log out"))
        expect(self.page.locator("#content")).to_contain_text("Logged out")

    def nav(self, model_name: str) -> None:
        """Open a list from the admin's side bar (the index's list of models on the index)."""
        menu = self.page.locator("#nav-sidebar, .dashboard #content-main").first
        self.click(menu.locator("th[scope=row]").get_by_role("link", name=model_name, exact=True))

    def saved(self) -> None:
        expect(self.page.locator(".messagelist .success").first).to_be_visible()
        expect(self.page.locator(".errornote")).to_have_count(0)
