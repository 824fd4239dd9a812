//! Fenced code blocks of a Markdown page, with their info strings.

pub struct Block {
    /// The words of the info string: the language, then markers (`runnable`, `output`) and
    /// `key=value` attributes (`exit=3`, `file=request.json`).
    pub info: Vec<String>,
    pub body: String,
    /// The 1-based line of the body's first line.
    pub first_line: usize,
    /// The 1-based line of the opening fence.
    pub fence_line: usize,
    /// The 1-based line of the closing fence.
    pub close_line: usize,
}

impl Block {
    pub fn has_word(&self, word: &str) -> bool {
        self.info.iter().skip(1).any(|w| w == word)
    }

    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.info.iter().skip(1).find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    }
}

/// Every fenced block (```` ``` ```` or `~~~`) of `text`, in order; an unclosed fence runs to the
/// end.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<(String, Block)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        match &mut open {
            Some((fence, block)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_end().chars().all(|c| c == '`' || c == '~') {
                    block.close_line = number;
                    found.push(open.take().unwrap().1);
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                }
            }
            None => {
                let fence: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
                if fence.len() >= 3 && fence.chars().all(|c| c == fence.chars().next().unwrap_or('`')) {
                    let info = trimmed[fence.len()..].split_whitespace().map(str::to_string).collect();
                    let block =
                        Block { info, body: String::new(), first_line: number + 1, fence_line: number, close_line: 0 };
                    open = Some((fence, block));
                }
            }
        }
    }
    if let Some((_, mut block)) = open {
        block.close_line = text.lines().count();
        found.push(block);
    }
    found
}
