/* Material for MkDocs' inline content script (partials/javascripts/content.html,
   MIT licence) moved to a file for the Content-Security-Policy. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
