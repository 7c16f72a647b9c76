//! Trino's `VALUES` rows without parentheses (`VALUES 1, 2`), which sqlparser's parser reads
//! only as `VALUES (1), (2)`: put in parentheses on the tokens, before the parser sees them. The
//! sandbox's engine runs what this gives, and read-only mode reads it, so both read one SQL.

use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

/// `VALUES 1, (2), 3 + 4` → `VALUES (1), (2), (3 + 4)`: a row not in parentheses (nor `ROW(…)`)
/// is one expression, up to the next comma outside brackets or the end of the list. A list
/// that meets a word no row has (`FROM`, `WHERE`, …) is left as it is: it is not a list. And
/// `x = ANY (VALUES …)` → `x = ANY (SELECT * FROM (VALUES …))`.
pub fn rows_in_parentheses(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    let keyword = |t: &TokenWithSpan| match &t.token {
        Token::Word(w) => w.keyword,
        _ => Keyword::NoKeyword,
    };
    // Each list is read to its end: a statement of thousands of lists nested in each other would
    // be read over and over. Past this many it is left as written (a list without parentheses in
    // it then does not parse, and read-only mode refuses what it cannot read).
    if tokens.iter().filter(|t| keyword(t) == Keyword::VALUES).count() > MOST_LISTS {
        return tokens;
    }
    // Where to put `(` and `)`: before the token at each place.
    let mut inserts: Vec<(usize, Token)> = Vec::new();
    // The last two significant tokens before this one (kept, not searched for again: a statement
    // of thousands of nested lists would otherwise be read over and over).
    let (mut before_previous, mut previous): (Option<Token>, Option<Token>) = (None, None);
    for i in 0..tokens.len() {
        if !significant(&tokens[i]) {
            continue;
        }
        // A list starts a statement, a parenthesis or a part of a UNION (`ORDER BY values` is
        // a column).
        let starts_list = match &previous {
            None | Some(Token::LParen) => true,
            Some(Token::Word(w)) => LIST_AFTER.contains(&w.keyword) || EXPLAINED.contains(&w.keyword),
            Some(_) => false,
        };
        let after_parenthesis = matches!(previous, Some(Token::LParen));
        let opener = std::mem::replace(&mut before_previous, previous.replace(tokens[i].token.clone()));
        if keyword(&tokens[i]) != Keyword::VALUES || !starts_list {
            continue;
        }
        // `x = ANY (VALUES …)` (`ALL`, `SOME`, `IN`): the parser reads a query there only when
        // it starts with SELECT or WITH, so the list becomes `(SELECT * FROM (VALUES …))`.
        let quantified = after_parenthesis
            && matches!(&opener, Some(Token::Word(w)) if matches!(w.keyword, Keyword::ANY | Keyword::ALL | Keyword::SOME | Keyword::IN));
        let mut list = Vec::new();
        let mut at = i + 1;
        let is_list = loop {
            while at < tokens.len() && !significant(&tokens[at]) {
                at += 1;
            }
            let Some(first) = tokens.get(at) else { break true };
            let bare =
                !matches!(first.token, Token::LParen | Token::EOF | Token::SemiColon) && keyword(first) != Keyword::ROW;
            let (start, mut end, mut depth) = (at, at, 0usize);
            let mut next_row = false;
            let mut foreign = false;
            while let Some(t) = tokens.get(at) {
                match &t.token {
                    Token::LParen | Token::LBracket => depth += 1,
                    Token::RParen | Token::RBracket if depth == 0 => break,
                    Token::RParen | Token::RBracket => depth -= 1,
                    Token::Comma if depth == 0 => {
                        next_row = true;
                        break;
                    }
                    Token::SemiColon | Token::EOF => break,
                    Token::Word(w) if depth == 0 && ENDS_VALUES.contains(&w.keyword) => break,
                    Token::Word(w) if depth == 0 && NOT_IN_A_ROW.contains(&w.keyword) => {
                        foreign = true;
                        break;
                    }
                    _ => {}
                }
                if significant(t) {
                    end = at + 1;
                }
                at += 1;
            }
            if foreign {
                break false;
            }
            if bare && end > start {
                list.push((start, Token::LParen));
                list.push((end, Token::RParen));
            }
            if !next_row {
                break true;
            }
            at += 1;
        };
        if is_list {
            if quantified {
                let select = [Token::make_keyword("SELECT"), Token::Mul, Token::make_keyword("FROM"), Token::LParen];
                inserts.extend(select.map(|t| (i, t)));
                inserts.extend(list);
                inserts.push((at, Token::RParen));
            } else {
                inserts.extend(list);
            }
        }
    }
    if inserts.is_empty() {
        return tokens;
    }
    // Each place's tokens in the order they were found (the sort is stable).
    inserts.sort_by_key(|(place, _)| *place);
    let mut pending = inserts.into_iter().peekable();
    let mut out = Vec::with_capacity(tokens.len() + pending.len());
    for (i, token) in tokens.into_iter().enumerate() {
        while let Some((_, t)) = pending.next_if(|(place, _)| *place == i) {
            out.push(TokenWithSpan::wrap(t));
        }
        out.push(token);
    }
    out.extend(pending.map(|(_, t)| TokenWithSpan::wrap(t)));
    out
}

/// The most `VALUES` lists a statement's rows are put in parentheses in.
const MOST_LISTS: usize = 1_000;

/// The words after which a statement is explained (`EXPLAIN VALUES 1, 2`): a list starts there too.
pub const EXPLAINED: &[Keyword] = &[Keyword::EXPLAIN, Keyword::ANALYZE];

/// The words after which `VALUES` starts a list of rows (as after a parenthesis, or first).
pub const LIST_AFTER: &[Keyword] =
    &[Keyword::UNION, Keyword::ALL, Keyword::DISTINCT, Keyword::EXCEPT, Keyword::INTERSECT];

/// The words that end a `VALUES` list of rows.
const ENDS_VALUES: &[Keyword] = &[
    Keyword::AS,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::FETCH,
    Keyword::UNION,
    Keyword::EXCEPT,
    Keyword::INTERSECT,
];

/// Words a row of `VALUES` never has outside brackets.
const NOT_IN_A_ROW: &[Keyword] = &[
    Keyword::SELECT,
    Keyword::FROM,
    Keyword::WHERE,
    Keyword::GROUP,
    Keyword::HAVING,
    Keyword::JOIN,
    Keyword::ON,
    Keyword::WINDOW,
];
