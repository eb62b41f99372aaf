/** The slice signature: every slice gets the host API and the combined store's set/get. */
import type { StateCreator } from 'zustand';
import type { HostApi } from '../../../../electron/contract/transport.js';
import type { AppState } from './app-store.js';

export type AppSlice<T> = (host: HostApi) => StateCreator<AppState, [], [], T>;
