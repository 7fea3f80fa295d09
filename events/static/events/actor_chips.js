/* The actors an article names, as buttons beside the event form: a click puts the actor in
   the next participant row that has none (adding a row when none is left), keeping the role
   the row starts with; an actor with two roles is clicked twice. Rows and pickers are handled
   by inline_rows.js. */
"use strict";
document.addEventListener("click", (event) => {
    const chip = event.target.closest(".actor-chip");
    if (!chip) return;
    event.preventDefault();
    const select = window.eventForm.nextFree(
        "participants", "select[name$='-actor']", (select) => !select.value
    );
    if (!select) return;
    window.eventForm.choose(select, chip.dataset.actorId, chip.dataset.actorLabel);
    chip.setAttribute("aria-pressed", "true");
});
