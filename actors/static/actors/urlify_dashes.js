/* The admin's slug from a name keeps its dashes, as the server's lib.text.slugify_name does:
   "Israel–Hamas war" → "israel-hamas-war". Django's URLify drops en and em dashes (and every
   other character it cannot transliterate), so they become "-" before it runs. */
'use strict';
(function(global) {
    // Unicode dash punctuation (hyphen, en dash, em dash, …) and the minus signs.
    const DASHES = /[\p{Pd}\u2212\u207B\u208B]/gu;

    function wrap(urlify) {
        if (typeof urlify !== 'function' || urlify.keepsDashes) {
            return urlify;
        }
        const wrapped = function(s, numChars, allowUnicode) {
            return urlify(String(s).replace(DASHES, '-'), numChars, allowUnicode);
        };
        wrapped.keepsDashes = true;
        return wrapped;
    }

    global.URLify = wrap(global.URLify);
})(typeof window !== 'undefined' ? window : globalThis);
