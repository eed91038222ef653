// Entry point of the web server (`npm start`, dist/server.js); the boot is src/boot/server.ts.
import { runServer } from './boot/server.js';

runServer();
