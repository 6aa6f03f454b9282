/** How a new offer announces itself: the tab title names the account, a short tone, a shake. */
let audio: AudioContext | null = null;

/** A short two-tone chime through Web Audio (no sound file to load). */
export function playOfferSound(): boolean {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 660],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.17);
    }
    return true;
  } catch {
    return false;
  }
}

export function tabTitle(offerKeys: string[], openKey: string | null): string {
  if (offerKeys.length > 0) return `(${offerKeys.length}) ${[...new Set(offerKeys)].join(' ')} · new offer · mailroute`;
  return openKey ? `${openKey} · mailroute` : 'mailroute';
}
