// Follows a report's publishing in the background worker: updates the progress bar and the
// live status line, then lists the new files. Without JavaScript the page says to reload.
const POLL_MS = 1500;

function item(file) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.className = "govuk-link";
  link.href = file.url;
  link.download = "";
  link.textContent = file.label;
  li.append(link, ` (PDF, ${Math.max(1, Math.round(file.size / 1024))} KB)`);
  return li;
}

function render(root, data) {
  const status = root.querySelector(".app-build__status");
  const bar = root.querySelector(".app-build__bar");
  if (bar) {
    bar.value = data.percent;
    bar.textContent = `${data.percent}%`;
  }
  const state = root.querySelector(".app-build__state");
  const step = root.querySelector(".app-build__step");
  const count = root.querySelector(".app-build__count");
  if (state) state.textContent = data.state_label;
  if (step) step.textContent = data.step_label || "waiting for the worker";
  if (count) count.textContent = `${data.steps_done} of ${data.steps_total}`;
  if (data.state === "done" || data.state === "failed") {
    const message = document.createElement("p");
    message.className = "govuk-body";
    message.textContent =
      data.state === "done"
        ? `Published version ${data.version}. Download:`
        : data.error || "Publishing failed and published nothing. Try again; if it fails again, tell the site’s administrators.";
    const list = root.querySelector(".app-build__files");
    status.replaceChildren(message, list);
    data.files.forEach((file) => list.append(item(file)));
    const button = document.querySelector("#publishing ~ form button[disabled]");
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      button.textContent = "Publish a new version";
    }
    return true;
  }
  return false;
}

async function follow(root) {
  const url = root.dataset.statusUrl;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) continue;
      data = await response.json();
    } catch {
      continue; // a dropped connection: try again on the next tick
    }
    if (render(root, data)) return;
  }
}

document.querySelectorAll("[data-module='app-build-progress'][data-status-url]").forEach(follow);
const hint = document.querySelector(".app-build__hint");
if (hint) hint.hidden = true;
