import { render } from 'preact';
import { App } from './App';
// In this order: later sheets refine the base.
import './styles/base.css';
import './styles/desk.css';
import './styles/supervisor.css';
import './styles/admin.css';

render(<App />, document.getElementById('root')!);
