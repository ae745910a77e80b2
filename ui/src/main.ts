import "./style.css";
import { api } from "./api";
import { probe, type MountView, type ViewContext } from "./context";
import { formatState, parseState, type UrlState, type ViewName } from "./url";
import { mount as topology } from "./topology/view";
import { mount as slos } from "./views/slos";
import { mount as autoscaler } from "./views/autoscaler";
import { mount as trace } from "./views/trace";

const views: Record<ViewName, MountView> = { topology, slos, autoscaler, trace };

window.__observe = probe;

let state: UrlState = parseState(location.search);
const listeners = new Set<(state: UrlState, previous: UrlState) => void>();
let unmount: (() => void) | null = null;
let mounted: ViewName | null = null;

const context: ViewContext = {
  get state() {
    return state;
  },
  update(patch) {
    const previous = state;
    state = { ...state, ...patch };
    const url = `${location.pathname}${formatState(state)}`;
    if (state.view !== previous.view) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    render(previous);
  },
  onState(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function render(previous: UrlState): void {
  if (mounted !== state.view) {
    unmount?.();
    listeners.clear();
    probe.ready = false;
    const root = document.getElementById("main")!;
    const viewRoot = document.createElement("section");
    viewRoot.className = `view view-${state.view}`;
    viewRoot.dataset.testid = `view-${state.view}`;
    root.replaceChildren(viewRoot);
    mounted = state.view;
    unmount = views[state.view](viewRoot, context);
  } else {
    for (const listener of [...listeners]) listener(state, previous);
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav a[data-view]")) {
    link.setAttribute("aria-current", link.dataset.view === state.view ? "page" : "false");
  }
}

document.querySelector("nav")!.addEventListener("click", (event) => {
  const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("a[data-view]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  context.update({ view: link.dataset.view as ViewName });
});

window.addEventListener("popstate", () => {
  const previous = state;
  state = parseState(location.search);
  render(previous);
});

// The demo's banner names the scenario's current phase, so a newcomer knows what to look for.
async function showDemoPhase(): Promise<void> {
  const banner = document.getElementById("demo")!;
  try {
    const demo = await api.demo();
    if (demo.enabled && demo.phase) {
      banner.hidden = false;
      banner.textContent = `demo: ${demo.phase.name}`;
      banner.title = demo.phase.description;
    } else {
      banner.hidden = true;
    }
  } catch {
    banner.hidden = true; // an Observe without the demo endpoint simply shows no banner
  }
}

render(state);
void showDemoPhase();
setInterval(() => void showDemoPhase(), 5000);
