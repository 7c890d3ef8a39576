const STORAGE_KEY = 'vigil.theme';
type Mode = 'light' | 'dark';

const readStored = (): Mode | null => {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch (err) {
    console.warn('theme preference unreadable', err);
    return null;
  }
};

/**
 * Light or dark, remembered once chosen; until then it follows prefers-color-scheme, live. The class
 * on <html> is first set by the inline script in app.html so the first paint is right.
 */
class Theme {
  mode = $state<Mode>('light');
  #chosen: Mode | null = null;

  start(): void {
    const media = matchMedia('(prefers-color-scheme: dark)');
    this.#chosen = readStored();
    this.#apply(this.#chosen ?? (media.matches ? 'dark' : 'light'));
    media.addEventListener('change', (event) => {
      if (this.#chosen === null) this.#apply(event.matches ? 'dark' : 'light');
    });
  }

  toggle(): void {
    this.#chosen = this.mode === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.#chosen);
    } catch (err) {
      console.warn('theme preference not saved', err); // still applied for this page's lifetime
    }
    this.#apply(this.#chosen);
  }

  get dark(): boolean {
    return this.mode === 'dark';
  }

  #apply(mode: Mode): void {
    this.mode = mode;
    document.documentElement.classList.toggle('dark', mode === 'dark');
  }
}

export const theme = new Theme();
