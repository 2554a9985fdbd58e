#!/usr/bin/env node
// React's development build checks and logs on every render; a DBA's cockpit runs the production one.
// Set before anything imports React, hence the dynamic import. The bundle keeps it so: main.js is an entry
// of its own (rolldown.config.mjs), and React is in the cockpit's chunk, which only the cockpit and demo load.
process.env.NODE_ENV ??= 'production';
await import('./main.js');
