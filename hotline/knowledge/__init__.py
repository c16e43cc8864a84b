"""The knowledge base (知识库): the articles operators answer from, their history, search."""
