/* The actors an article names, as buttons beside the event form: a click puts the actor in
   the next participant row that has none (adding a row when none is left), keeping the role
   the row starts with; an actor with two roles is clicked twice. The rows' actor pickers are select2 widgets over a <select>: the option
   is added to it and select2 told of the change. */
"use strict";
{
    const $ = window.django && window.django.jQuery;

    function actorSelects() {
        return Array.from(document.querySelectorAll(
            "#participants-group .form-row:not(.empty-form) select[name$='-actor']"
        )).filter((select) => !select.closest("tr, .inline-related")?.querySelector(
            "input[name$='-DELETE']:checked"
        ));
    }

    function nextEmptyRow() {
        const empty = actorSelects().find((select) => !select.value);
        if (empty) return empty;
        const add = document.querySelector("#participants-group .add-row a");
        if (!add) return null;  // as many rows as an event may have
        add.click();
        return actorSelects().find((select) => !select.value) || null;
    }

    function choose(select, id, label) {
        let option = Array.from(select.options).find((o) => o.value === id);
        if (!option) {
            option = new Option(label, id, false, false);
            select.appendChild(option);
        }
        select.value = id;
        if ($) $(select).trigger("change");
        else select.dispatchEvent(new Event("change", {bubbles: true}));
    }

    document.addEventListener("click", (event) => {
        const chip = event.target.closest(".actor-chip");
        if (!chip) return;
        event.preventDefault();
        const select = nextEmptyRow();
        if (!select) return;
        choose(select, chip.dataset.actorId, chip.dataset.actorLabel);
        chip.setAttribute("aria-pressed", "true");
    });
}
