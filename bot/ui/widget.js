// Storybot widget: <script src="https://<storybot host>/widget.js" data-story="<story id>" async></script>
// Adds an "Ask about this story" button that opens a small chat bound to the story, in an iframe.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var story = script.getAttribute("data-story") || "";
  var label = script.getAttribute("data-label") || "Ask about this story";
  var button = document.createElement("button");
  button.id = "storybot-open";
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:10px 16px;border:0;border-radius:20px;background:#f97316;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)";
  var frame = document.createElement("iframe");
  frame.id = "storybot-frame";
  frame.title = "Storybot: questions about this story";
  frame.src = origin + "/?story=" + encodeURIComponent(story) + "&embed=1";
  frame.style.cssText = "display:none;position:fixed;right:16px;bottom:64px;z-index:2147483000;width:min(420px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));border:1px solid #ddd;border-radius:12px;background:#fff;box-shadow:0 4px 24px rgba(0,0,0,.25)";
  button.addEventListener("click", function () {
    var open = frame.style.display === "none";
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
