import { decodeEntities, documentText, driveQuery, gmailQuery, quoteSheetTitle } from './google-mcp.server';

describe(driveQuery.name, () => {
  it('should escape quotes and backslashes when a keyword contains them', () => {
    expect(driveQuery({ keywords: ["O'Brien", 'C:\\exports'] })).toBe(
      "(fullText contains 'O\\'Brien' and fullText contains 'C:\\\\exports') and trashed = false",
    );
  });

  it('should search a phrase exactly and drop stray double quotes when a keyword has spaces', () => {
    expect(driveQuery({ keywords: ['redesign "brief"'] })).toBe(`fullText contains '"redesign brief"' and trashed = false`);
  });

  it('should join keywords with or, and add the type and time when match is any', () => {
    expect(driveQuery({ keywords: ['budget', 'q2'], match: 'any', type: 'spreadsheet', modifiedAfter: '2025-03-01T00:00:00Z' })).toBe(
      "(fullText contains 'budget' or fullText contains 'q2') and mimeType = 'application/vnd.google-apps.spreadsheet' " +
        "and modifiedTime > '2025-03-01T00:00:00Z' and trashed = false",
    );
  });

  it('should still leave trashed files out when no keyword is given', () => {
    expect(driveQuery({ keywords: ['  '] })).toBe('trashed = false');
  });
});

describe(gmailQuery.name, () => {
  it('should default to the inbox and add after/before as epoch seconds when a window is given', () => {
    expect(gmailQuery(undefined, '2025-03-12T00:00:00Z', '2025-03-12T09:00:00.500Z')).toBe('in:inbox after:1741737600 before:1741770001');
  });

  it('should keep the caller\'s search as written when no window is given', () => {
    expect(gmailQuery('is:unread is:important')).toBe('is:unread is:important');
  });
});

describe(quoteSheetTitle.name, () => {
  it('should double a quote inside the title when quoting it for A1 notation', () => {
    expect(quoteSheetTitle("Hiring plan '25")).toBe("'Hiring plan ''25'");
  });
});

describe(decodeEntities.name, () => {
  it('should decode the entities Gmail puts in snippets and leave unknown ones alone', () => {
    expect(decodeEntities('Here&#39;s Q&amp;A &lt;draft&gt; &#x263A; &bogus;')).toBe("Here's Q&A <draft> ☺ &bogus;");
  });
});

describe(documentText.name, () => {
  const paragraph = (content: string, extra: object = {}) => ({ paragraph: { elements: [{ textRun: { content } }], ...extra } });

  it('should flatten paragraphs, nested lists, tables and chips, leaving out the table of contents', () => {
    const sut = documentText({
      documentId: 'd1',
      title: 'Plan',
      body: {
        content: [
          { sectionBreak: {} },
          paragraph('Plan\n'),
          { tableOfContents: { content: [paragraph('Goals\n')] } },
          paragraph('Goals\n'),
          paragraph('First line\u000bsecond line\n'),
          paragraph('Ship it\n', { bullet: {} }),
          paragraph('On time\n', { bullet: { nestingLevel: 1 } }),
          {
            table: {
              tableRows: [
                { tableCells: [{ content: [paragraph('Who\n')] }, { content: [paragraph('When\n')] }] },
                { tableCells: [{ content: [paragraph('Ada\n'), paragraph('and Ben\n')] }, { content: [paragraph('May\n')] }] },
              ],
            },
          },
          {
            paragraph: {
              elements: [
                { textRun: { content: 'Owner: ' } },
                { person: { personProperties: { name: 'Ada Lovelace', email: 'ada@northwind.example' } } },
                { textRun: { content: ', see ' } },
                { richLink: { richLinkProperties: { title: 'Roadmap', uri: 'https://docs.google.com/x' } } },
                { footnoteReference: { footnoteNumber: '1' } },
                { textRun: { content: '\n' } },
              ],
            },
          },
        ],
      },
    });

    expect(sut).toBe('Plan\nGoals\nFirst line\nsecond line\n- Ship it\n  - On time\nWho | When\nAda and Ben | May\n\nOwner: Ada Lovelace, see Roadmap[1]');
  });

  it('should return an empty string when the document has no body', () => {
    expect(documentText({ documentId: 'd1', title: 'Empty' })).toBe('');
  });
});
