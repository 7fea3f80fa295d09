/* Quotes by selection: select words in an article beside the event form and press its Cite
   button; they become the quote of the next citation row whose quote is empty (a row is added
   when none is left), citing that article.

   The quote is the article's own characters: a Range's text is its text nodes' data, so a
   selection across highlighted quotes (<mark>) and line breaks gives the body as stored, with
   only the whitespace at both ends trimmed. The server stores it as the article's span. */
"use strict";
{
    function bodyOf(button) {
        return document.querySelector(
            `.article .body[data-source-id="${button.dataset.sourceId}"]`
        );
    }

    // The selected words of ``body`` (the part of the selection inside it), or "".
    function selectedIn(body) {
        const selection = window.getSelection();
        if (!body || !selection || !selection.rangeCount || selection.isCollapsed) return "";
        const range = selection.getRangeAt(0).cloneRange();
        if (!range.intersectsNode(body)) return "";
        if (!body.contains(range.startContainer)) range.setStart(body, 0);
        if (!body.contains(range.endContainer)) range.setEnd(body, body.childNodes.length);
        return range.toString().trim();
    }

    function update() {
        for (const button of document.querySelectorAll(".cite-selection")) {
            button.disabled = !selectedIn(bodyOf(button));
        }
    }

    document.addEventListener("selectionchange", update);
    document.addEventListener("DOMContentLoaded", update);

    // Pressing the button must not take the selection away before the click.
    document.addEventListener("mousedown", (event) => {
        if (event.target.closest(".cite-selection")) event.preventDefault();
    });

    document.addEventListener("click", (event) => {
        const button = event.target.closest(".cite-selection");
        if (!button) return;
        event.preventDefault();
        const text = selectedIn(bodyOf(button));
        if (!text) return;
        const quote = window.eventForm.nextFree(
            "citations", "textarea[name$='-quote']", (field) => !field.value.trim()
        );
        if (!quote) return;  // as many citations as an event may have
        quote.value = text;
        quote.dispatchEvent(new Event("input", {bubbles: true}));
        const source = document.querySelector(
            `select[name="${quote.name.replace(/-quote$/, "-source")}"]`
        );
        if (source) {
            window.eventForm.choose(source, button.dataset.sourceId, button.dataset.sourceLabel);
        }
        quote.scrollIntoView({block: "nearest"});
    });
}
