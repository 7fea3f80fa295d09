/* What the article panel's buttons share: the next free row of an inline (Django's "Add
   another" adds one when none is left), and choosing an option in a row's picker (a select2
   widget over a <select>: the option is added to it and select2 told of the change). */
"use strict";
window.eventForm = (() => {
    const $ = window.django && window.django.jQuery;

    // The fields matching ``selector`` in the rows of inline ``group`` ("participants",
    // "citations") that the editor sees: not the hidden template row, not a row marked for
    // deletion.
    function fields(group, selector) {
        return Array.from(document.querySelectorAll(`#${group}-group ${selector}`)).filter(
            (field) => !field.name.includes("__prefix__") && !document.querySelector(
                `input[name="${field.name.replace(/-[^-]+$/, "-DELETE")}"]:checked`
            )
        );
    }

    // The first such field that ``isFree`` accepts, in a row added for it when none is left;
    // null when the inline may have no more rows.
    function nextFree(group, selector, isFree) {
        const free = () => fields(group, selector).find(isFree) || null;
        const found = free();
        if (found) return found;
        const add = document.querySelector(`#${group}-group .add-row a`);
        if (!add) return null;
        add.click();  // Django's inlines.js adds the row at once, select2 included
        return free();
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

    return {fields, nextFree, choose};
})();
