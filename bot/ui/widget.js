// Storybot widget: <script src="https://<storybot host>/widget.js" data-story="<story id>" async></script>
// Adds an "Ask about this story" button that opens a small chat bound to the story, in an iframe.
// The frame closes from the button, from Esc, or from the frame's own Close control (a message, see below).
(function () {
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var story = script.getAttribute("data-story") || "";
  var label = script.getAttribute("data-label") || "Ask about this story";
  var closeLabel = "Close Storybot";
  var button = document.createElement("button");
  button.id = "storybot-open";
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "storybot-frame");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:10px 16px;border:0;border-radius:20px;background:#f97316;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)";
  var frame = document.createElement("iframe");
  frame.id = "storybot-frame";
  frame.title = "Storybot: questions about this story";
  frame.src = origin + "/?story=" + encodeURIComponent(story) + "&embed=1";
  frame.style.cssText = "display:none;position:fixed;right:16px;bottom:64px;z-index:2147483000;width:min(420px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));border:1px solid #ddd;border-radius:12px;background:#fff;box-shadow:0 4px 24px rgba(0,0,0,.25)";

  function isOpen() {
    return frame.style.display !== "none";
  }

  function open() {
    frame.style.display = "block";
    button.textContent = closeLabel;
    button.setAttribute("aria-expanded", "true");
    // Into the frame, so the reader's next Tab reaches the chat and Esc reaches the frame's own handler.
    frame.focus();
  }

  function close() {
    frame.style.display = "none";
    button.textContent = label;
    button.setAttribute("aria-expanded", "false");
    // Back where the reader opened it: focus inside a hidden frame would be lost to the keyboard.
    button.focus();
  }

  button.addEventListener("click", function () {
    if (isOpen()) close();
    else open();
  });
  // Esc with focus on the host page; with focus in the frame, the frame posts "storybot:close" instead.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) close();
  });
  // The frame is another origin, so its Close control and Esc can only ask. Only our frame may ask:
  // any page or frame can post a message here.
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "storybot:close" && isOpen()) close();
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
