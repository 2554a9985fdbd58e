// The real App on a 160x45 in-memory terminal, for benchmarks.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import { CockpitStoreContext } from '../dist/state/storeContext.js';
import { App } from '../dist/views/App.js';
import { colorTheme } from '../dist/views/theme.js';
import { ThemeContext } from '../dist/views/ThemeContext.js';

class BenchStdout extends EventEmitter {
  columns = 160;
  rows = 45;
  isTTY = true;
  bytes = 0;
  write(chunk) {
    this.bytes += chunk.length;
    return true;
  }
}

export function mountCockpit(store, onRender = () => {}) {
  const stdout = new BenchStdout();
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode() {}, setEncoding() {}, ref() {}, unref() {}, read: () => null });
  return render(
    createElement(CockpitStoreContext.Provider, { value: store }, createElement(ThemeContext.Provider, { value: colorTheme }, createElement(App))),
    { stdout, stdin, patchConsole: false, exitOnCtrlC: false, onRender },
  );
}
