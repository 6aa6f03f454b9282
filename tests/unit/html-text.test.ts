/** The plain-text part of an agent's HTML: what the desk and the server both send beside it. */
import { htmlToPlainText } from '../../platform/html-text';

describe('the plain-text alternative of HTML', () => {
  it('keeps the editor’s lines as lines, an empty line as an empty line', () => {
    expect(htmlToPlainText('Hi Carla,<div><br></div><div>Your order ships <strong>today</strong>.</div><div>Alice</div>')).toBe(
      'Hi Carla,\n\nYour order ships today.\nAlice',
    );
  });

  it('sets paragraphs apart, marks list items and quotes, and spells out links', () => {
    expect(
      htmlToPlainText(
        '<p>One &amp; two</p><p>See <a href="https://shop.test/t">tracking</a> or <a href="mailto:help@shop.test">help@shop.test</a></p>' +
          '<ul><li>packed</li><li>shipped<ol><li>by air</li></ol></li></ul><div>Carla wrote:</div><blockquote>Where is it?<br>Thanks</blockquote>Bye',
      ),
    ).toBe(
      'One & two\n\nSee tracking <https://shop.test/t> or help@shop.test\n\n- packed\n- shipped\n  1. by air\nCarla wrote:\n\n> Where is it?\n> Thanks\n\nBye',
    );
  });

  it('says nothing of scripts and styles', () => {
    expect(htmlToPlainText('<style>p{}</style><script>alert(1)</script>')).toBe('');
  });
});
